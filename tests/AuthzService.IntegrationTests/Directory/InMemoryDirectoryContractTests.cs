using AuthzService.Core.Memberships;

namespace AuthzService.IntegrationTests.Directory;

/// <summary>The directory contract against the in-memory reference implementation.</summary>
[TestClass]
public sealed class InMemoryDirectoryContractTests : DirectoryContractTests
{
    private static readonly InMemoryDirectory s_directory = new();

    protected override IDirectoryReader Reader => s_directory;

    protected override IDirectoryWriter Writer => s_directory;
}
