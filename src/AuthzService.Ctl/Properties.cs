using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AuthzService.IntegrationTests")]
[assembly: InternalsVisibleTo("AuthzService.Ctl.Tests")]
[assembly: InternalsVisibleTo("AuthzService.Testing")]
