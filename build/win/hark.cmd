@echo off
rem `hark` for Windows: the command line (speak, voices, serve, help, --help, --version) runs as
rem plain Node inside Hark.exe, the way editors ship their CLI, so the console waits for it and
rem shows its output. This file is installed as resources\bin\hark.cmd; the desktop flags
rem (--read-selection, --stop, ...) go to Hark.exe itself.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Hark.exe" "%~dp0..\app.asar\bin\hark.js" %*
exit /b %ERRORLEVEL%
