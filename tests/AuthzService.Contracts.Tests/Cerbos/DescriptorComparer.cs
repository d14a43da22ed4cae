using Google.Protobuf.Reflection;

namespace AuthzService.Contracts.Tests.Cerbos;

/// <summary>
/// Checks that our Cerbos proto subset is wire-exact with upstream: every message, enum, enum value,
/// field and method we declare must exist upstream with the same shape. Upstream may have more
/// (we declare a subset). json_name and dependency lists are ignored because the published
/// descriptors have them stripped.
/// </summary>
internal static class DescriptorComparer
{
    public static IReadOnlyList<string> Compare(FileDescriptorProto ours, FileDescriptorProto upstream)
    {
        var problems = new List<string>();
        if (ours.Package != upstream.Package)
        {
            problems.Add($"package '{ours.Package}' differs from upstream '{upstream.Package}'");
        }

        var upstreamMessages = Flatten(upstream.MessageType, upstream.Package);
        var upstreamEnums = FlattenEnums(upstream.MessageType, upstream.EnumType, upstream.Package);
        foreach (var (name, message) in Flatten(ours.MessageType, ours.Package))
        {
            if (!upstreamMessages.TryGetValue(name, out var theirs))
            {
                problems.Add($"message {name} does not exist upstream");
                continue;
            }

            CompareFields(name, message, theirs, problems);
        }

        foreach (var (name, ourEnum) in FlattenEnums(ours.MessageType, ours.EnumType, ours.Package))
        {
            if (!upstreamEnums.TryGetValue(name, out var theirs))
            {
                problems.Add($"enum {name} does not exist upstream");
                continue;
            }

            foreach (var value in ourEnum.Value)
            {
                var match = theirs.Value.FirstOrDefault(v => v.Name == value.Name);
                if (match is null)
                {
                    problems.Add($"enum value {name}.{value.Name} does not exist upstream");
                }
                else if (match.Number != value.Number)
                {
                    problems.Add($"enum value {name}.{value.Name}: number {value.Number}, upstream {match.Number}");
                }
            }
        }

        foreach (var service in ours.Service)
        {
            var theirs = upstream.Service.FirstOrDefault(s => s.Name == service.Name);
            foreach (var method in service.Method)
            {
                var match = theirs?.Method.FirstOrDefault(m => m.Name == method.Name);
                if (match is null)
                {
                    problems.Add($"method {service.Name}/{method.Name} does not exist upstream");
                }
                else if (match.InputType != method.InputType || match.OutputType != method.OutputType
                    || match.ClientStreaming != method.ClientStreaming || match.ServerStreaming != method.ServerStreaming)
                {
                    problems.Add($"method {service.Name}/{method.Name}: ({method.InputType}) returns ({method.OutputType}), upstream ({match.InputType}) returns ({match.OutputType})");
                }
            }
        }

        return problems;
    }

    private static void CompareFields(string messageName, DescriptorProto ours, DescriptorProto upstream, List<string> problems)
    {
        foreach (var field in ours.Field)
        {
            var where = $"{messageName}.{field.Name}";
            var theirs = upstream.Field.FirstOrDefault(f => f.Name == field.Name);
            if (theirs is null)
            {
                problems.Add($"field {where} does not exist upstream");
                continue;
            }

            Check(where, "number", field.Number, theirs.Number, problems);
            Check(where, "type", field.Type, theirs.Type, problems);
            Check(where, "label", field.Label, theirs.Label, problems);
            Check(where, "type_name", field.TypeName, theirs.TypeName, problems);
            Check(where, "proto3_optional", field.Proto3Optional, theirs.Proto3Optional, problems);
            Check(where, "oneof", OneofName(ours, field), OneofName(upstream, theirs), problems);
        }
    }

    private static void Check<T>(string where, string what, T ours, T upstream, List<string> problems)
    {
        if (!EqualityComparer<T>.Default.Equals(ours, upstream))
        {
            problems.Add($"field {where}: {what} {ours}, upstream {upstream}");
        }
    }

    // Synthetic oneofs of proto3 optional fields are covered by proto3_optional; compare real ones by name.
    private static string OneofName(DescriptorProto message, FieldDescriptorProto field) =>
        field.HasOneofIndex && !field.Proto3Optional ? message.OneofDecl[field.OneofIndex].Name : string.Empty;

    private static Dictionary<string, DescriptorProto> Flatten(IEnumerable<DescriptorProto> messages, string prefix)
    {
        var result = new Dictionary<string, DescriptorProto>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var name = prefix + "." + message.Name;
            result[name] = message;
            foreach (var nested in Flatten(message.NestedType, name))
            {
                result[nested.Key] = nested.Value;
            }
        }

        return result;
    }

    private static Dictionary<string, EnumDescriptorProto> FlattenEnums(
        IEnumerable<DescriptorProto> messages, IEnumerable<EnumDescriptorProto> enums, string prefix)
    {
        var result = enums.ToDictionary(e => prefix + "." + e.Name, StringComparer.Ordinal);
        foreach (var message in messages)
        {
            foreach (var nested in FlattenEnums(message.NestedType, message.EnumType, prefix + "." + message.Name))
            {
                result[nested.Key] = nested.Value;
            }
        }

        return result;
    }
}
