using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AuthzService.IntegrationTests")]
