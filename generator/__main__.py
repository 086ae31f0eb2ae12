from generator.cli import main

if __name__ == "__main__":  # not when a spawned bulk worker imports it
    main()
