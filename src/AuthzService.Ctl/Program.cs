using AuthzService.Ctl;

// authzctl: the operator command line for AuthzService. Everything lives in CtlApp so tests can run
// it in-process with captured output.
return await CtlApp.RunAsync(args, CtlConsole.FromSystemConsole());
