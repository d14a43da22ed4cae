namespace AuthzService.Testing;

/// <summary>Which server certificate a <see cref="CerbosServer"/> presents.</summary>
public enum CerbosServerCertificate
{
    /// <summary>Valid now, for <c>localhost</c>, 127.0.0.1 and ::1.</summary>
    Valid,

    /// <summary>Issued by the test CA for <c>localhost</c>, but expired an hour ago.</summary>
    Expired,

    /// <summary>
    /// Issued by the test CA for <c>other.example</c> only. TestCertificates always adds loopback IP SANs,
    /// so connect by name (<see cref="CerbosServer.GrpcAddressFor"/> with <c>localhost</c>) to see the mismatch.
    /// </summary>
    WrongHostName,
}
