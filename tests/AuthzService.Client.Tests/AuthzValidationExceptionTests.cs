using Grpc.Core;

namespace AuthzService.Client.Tests;

/// <summary>Pure: field errors are parsed from the service's INVALID_ARGUMENT message.</summary>
[TestClass]
public sealed class AuthzValidationExceptionTests
{
    [TestMethod]
    public void FieldErrors_ServiceMessage_OnePerField()
    {
        var ex = new AuthzValidationException("tenant_id: is required; resources[0].actions: must have 1 to 50 entries");

        Assert.AreEqual(StatusCode.InvalidArgument, ex.StatusCode);
        CollectionAssert.AreEqual(
            new[] { new AuthzFieldError("tenant_id", "is required"), new AuthzFieldError("resources[0].actions", "must have 1 to 50 entries") },
            ex.FieldErrors.ToArray());
    }

    [TestMethod]
    public void FieldErrors_FreeText_KeptWithEmptyField()
    {
        var ex = new AuthzValidationException("request is malformed: bad things");

        Assert.AreEqual(new AuthzFieldError(string.Empty, "request is malformed: bad things"), ex.FieldErrors.Single());
    }

    [TestMethod]
    public void FieldErrors_EmptyMessage_Empty()
    {
        Assert.IsEmpty(new AuthzValidationException(string.Empty).FieldErrors);
    }
}
