from talkcat.cli import main

main()
