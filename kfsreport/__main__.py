from kfsreport.cli import main

raise SystemExit(main())
