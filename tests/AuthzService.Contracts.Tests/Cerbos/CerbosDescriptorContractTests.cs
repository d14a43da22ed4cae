using AuthzService.Testing;
using Google.Protobuf.Reflection;

namespace AuthzService.Contracts.Tests.Cerbos;

/// <summary>Our Cerbos proto subset against the descriptors published in @cerbos/api@0.8.0.</summary>
[TestClass]
public sealed class CerbosDescriptorContractTests
{
    private static readonly Dictionary<string, FileDescriptor> s_ours = new[]
    {
        global::Cerbos.Api.V1.Effect.EffectReflection.Descriptor,
        global::Cerbos.Api.V1.Schema.SchemaReflection.Descriptor,
        global::Cerbos.Api.V1.Audit.AuditReflection.Descriptor,
        global::Cerbos.Api.V1.Engine.EngineReflection.Descriptor,
        global::Cerbos.Api.V1.Request.RequestReflection.Descriptor,
        global::Cerbos.Api.V1.Response.ResponseReflection.Descriptor,
        global::Cerbos.Api.V1.Svc.SvcReflection.Descriptor,
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    [TestMethod]
    [DataRow("cerbos/effect/v1/effect.proto")]
    [DataRow("cerbos/schema/v1/schema.proto")]
    [DataRow("cerbos/audit/v1/audit.proto")]
    [DataRow("cerbos/engine/v1/engine.proto")]
    [DataRow("cerbos/request/v1/request.proto")]
    [DataRow("cerbos/response/v1/response.proto")]
    [DataRow("cerbos/svc/v1/svc.proto")]
    public void Descriptor_ComparedWithUpstream_HasNoDifferences(string protoName)
    {
        var ours = s_ours[protoName].ToProto();
        var upstream = UpstreamDescriptors.Load(protoName);

        var problems = DescriptorComparer.Compare(ours, upstream);

        Assert.IsEmpty(problems, $"{protoName} differs from @cerbos/api:\n" + string.Join("\n", problems));
        Assert.IsNotEmpty(ours.MessageType.Concat<object>(ours.EnumType).Concat(ours.Service), "nothing was compared");
    }

    [TestMethod]
    public void ProtoDirectory_EveryCerbosFile_IsCoveredByTheContract()
    {
        var root = Path.Combine(RepoPaths.Root, "proto");
        var files = Directory.EnumerateFiles(Path.Combine(root, "cerbos"), "*.proto", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        CollectionAssert.AreEquivalent(files, s_ours.Keys.ToList());
    }

    [TestMethod]
    public void Compare_ChangedFieldNumber_ReportsIt()
    {
        var (ours, upstream) = Copies("cerbos/engine/v1/engine.proto");
        Field(ours, "Principal", "roles").Number = 30;

        var problems = DescriptorComparer.Compare(ours, upstream);

        Assert.ContainsSingle(problems);
        StringAssert.Contains(problems[0], "cerbos.engine.v1.Principal.roles: number 30, upstream 3");
    }

    [TestMethod]
    public void Compare_ChangedFieldType_ReportsIt()
    {
        var (ours, upstream) = Copies("cerbos/engine/v1/engine.proto");
        Field(ours, "Resource", "id").Type = FieldDescriptorProto.Types.Type.Bytes;

        var problems = DescriptorComparer.Compare(ours, upstream);

        Assert.ContainsSingle(problems);
        StringAssert.Contains(problems[0], "cerbos.engine.v1.Resource.id: type Bytes, upstream String");
    }

    [TestMethod]
    public void Compare_ChangedLabelTypeNameAndOptional_ReportsEach()
    {
        var (ours, upstream) = Copies("cerbos/engine/v1/engine.proto");
        var roles = Field(ours, "Principal", "roles");
        roles.Label = FieldDescriptorProto.Types.Label.Optional;
        roles.Proto3Optional = true;
        var attr = Field(ours, "Principal", "attr");
        attr.TypeName = ".cerbos.engine.v1.Other";

        var problems = DescriptorComparer.Compare(ours, upstream);

        Assert.HasCount(3, problems, string.Join("\n", problems));
    }

    [TestMethod]
    public void Compare_UnknownFieldMessageEnumValueAndMethod_ReportsEach()
    {
        var (ours, upstream) = Copies("cerbos/svc/v1/svc.proto");
        ours.Service[0].Method.Add(new MethodDescriptorProto
        {
            Name = "CheckEverything",
            InputType = ".cerbos.request.v1.CheckResourcesRequest",
            OutputType = ".cerbos.response.v1.CheckResourcesResponse",
        });
        var (engine, engineUpstream) = Copies("cerbos/engine/v1/engine.proto");
        Message(engine, "Principal").Field.Add(new FieldDescriptorProto
        {
            Name = "department",
            Number = 99,
            Type = FieldDescriptorProto.Types.Type.String,
            Label = FieldDescriptorProto.Types.Label.Optional,
        });
        engine.MessageType.Add(new DescriptorProto { Name = "Invented" });
        Message(engine, "PlanResourcesFilter").EnumType[0].Value.Add(new EnumValueDescriptorProto { Name = "KIND_SOMETIMES", Number = 9 });

        var serviceProblems = DescriptorComparer.Compare(ours, upstream);
        var engineProblems = DescriptorComparer.Compare(engine, engineUpstream);

        Assert.ContainsSingle(serviceProblems);
        StringAssert.Contains(serviceProblems[0], "method CerbosService/CheckEverything does not exist upstream");
        CollectionAssert.AreEquivalent(
            new[]
            {
                "field cerbos.engine.v1.Principal.department does not exist upstream",
                "message cerbos.engine.v1.Invented does not exist upstream",
                "enum value cerbos.engine.v1.PlanResourcesFilter.Kind.KIND_SOMETIMES does not exist upstream",
            },
            engineProblems.ToList());
    }

    [TestMethod]
    public void Compare_FieldMovedOutOfOneof_ReportsIt()
    {
        var (ours, upstream) = Copies("cerbos/engine/v1/engine.proto");
        var operand = Message(ours, "PlanResourcesFilter").NestedType.Single(m => m.Name == "Expression").NestedType.Single(m => m.Name == "Operand");
        operand.Field.Single(f => f.Name == "variable").ClearOneofIndex();

        var problems = DescriptorComparer.Compare(ours, upstream);

        Assert.ContainsSingle(problems);
        StringAssert.Contains(problems[0], "Operand.variable: oneof , upstream node");
    }

    private static (FileDescriptorProto Ours, FileDescriptorProto Upstream) Copies(string protoName) =>
        (s_ours[protoName].ToProto(), UpstreamDescriptors.Load(protoName));

    private static DescriptorProto Message(FileDescriptorProto file, string name) =>
        file.MessageType.Single(m => m.Name == name);

    private static FieldDescriptorProto Field(FileDescriptorProto file, string message, string field) =>
        Message(file, message).Field.Single(f => f.Name == field);
}
