using AuthzService.Api;

// `AuthzService.Api migrate` applies pending migrations and exits (the Helm pre-upgrade hook runs it).
if (args is ["migrate", ..])
{
    return await MigrateCommand.RunAsync(args[1..]);
}

return await StartupErrorReporter.RunAsync(AuthzHost.Build(args));
