using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzService.Infrastructure.Postgres;

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new ConfigurationErrors();
        const string Key = "ConnectionStrings:" + DatabaseOptions.ConnectionStringName;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add(Key, "is required (an Npgsql connection string)");
        }
        else
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrEmpty(builder.Host))
                {
                    errors.Add(Key, "must name a Host");
                }
            }
            catch (ArgumentException ex)
            {
                // The message names the bad keyword, never the password.
                errors.Add(Key, "is not a valid connection string: " + ex.Message);
            }
        }

        return errors.ToResult();
    }
}
