"""The `interviewer` command's implementations, one module per concern; `interviewer/cli.py` parses and dispatches.

Each `cmd_*` takes the parsed arguments and the one `Settings`, gets what it needs from the composition root
(`interviewer.wiring`) and returns the exit code. Heavy modules are imported inside the commands, so that
importing the command line stays fast.
"""
