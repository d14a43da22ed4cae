namespace AuthzService.Core;
