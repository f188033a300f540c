from kaset_xl.cli import main

main()
