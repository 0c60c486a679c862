using System.Net;
using Twin.Service.Config;

namespace Twin.Service.Tests.Config;

/// <summary>The experiment file's <c>epics:</c> section.</summary>
public sealed class EpicsSectionTests
{
    private const string Cells = "site: id31\ncells:\n  - { id: coin-1, material: NMC811, q_li_Ah: 1, c_li0: 0.9 }\n";

    [Fact]
    public void The_section_gives_prefix_interface_port_and_writers()
    {
        var e = ExperimentFile.ParseExperiment(Cells + "epics:\n  prefix: \"BL31:TWIN:\"\n  interface: 10.1.2.3\n  port: 5070\n  writers:\n    - { user: blop, host: bl-ws1 }\n", "exp.yaml");
        var epics = e.Epics!;
        Assert.Equal(("BL31:TWIN:", IPAddress.Parse("10.1.2.3"), 5070), (epics.Prefix, epics.Interface, epics.Port));
        Assert.Equal([new EpicsWriter("blop", "bl-ws1")], epics.Writers);
        Assert.Null(ExperimentFile.ParseExperiment(Cells, "exp.yaml").Epics);
        Assert.Equal("TWIN:", ExperimentFile.ParseExperiment(Cells + "epics: {}\n", "exp.yaml").Epics!.Prefix);
    }

    [Theory]
    [InlineData("epics:\n  prefix: \"TWIN: \"\n", "exp.yaml: epics.prefix: EPICS prefix 'TWIN: ' must be")]
    [InlineData("epics:\n  interface: beamline\n", "exp.yaml: epics.interface 'beamline': expected an IPv4 address")]
    [InlineData("epics:\n  port: 70000\n", "exp.yaml: epics.port 70000: expected 1–65535")]
    [InlineData("epics:\n  writers:\n    - { user: blop }\n", "exp.yaml: epics.writers[1]: 'user' and 'host' are both required")]
    public void Invalid_fields_are_named(string section, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => ExperimentFile.ParseExperiment(Cells + section, "exp.yaml")).Message);
}
