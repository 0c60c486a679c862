using System.Text;
using Twin.Messaging.Contracts;

namespace Twin.Messaging.Tests.Contracts;

/// <summary>Lattice parameters refined elsewhere travel in the pattern record as optional fields.</summary>
public sealed class PatternRecordLatticeTests
{
    private static readonly string Base = """{"schema":1,"pattern_id":"p7","seq":3,"start_unix_ns":1700000000000000000,"end_unix_ns":1700000010000000000,"exposure_s":10,"energy_keV":60,"two_theta_min_deg":1.5,"two_theta_max_deg":7,"detector":"pilatus","uri":"file:///d/p7.xy" """.TrimEnd();

    private static PatternRecord Parse(string json) => TwinPayloads.ParsePattern(Encoding.UTF8.GetBytes(json), "twin/v1/s/c/pattern");

    [Fact]
    public void A_payload_without_lattice_fields_stays_valid_and_serialises_without_them()
    {
        var p = Parse(Base + "}");
        Assert.Null(p.AA);
        Assert.Null(p.CA);
        Assert.Null(p.ASigmaA);
        Assert.Null(p.CSigmaA);
        string json = Encoding.UTF8.GetString(TwinPayloads.Serialize(p));
        Assert.DoesNotContain("a_A", json);
        Assert.DoesNotContain("sigma", json);
    }

    [Fact]
    public void Lattice_fields_round_trip_under_their_json_names()
    {
        var p = Parse(Base + ""","a_A":2.8341,"c_A":14.4412,"a_sigma_A":0.0002,"c_sigma_A":0.0011}""");
        Assert.Equal(2.8341, p.AA);
        Assert.Equal(14.4412, p.CA);
        Assert.Equal(0.0002, p.ASigmaA);
        Assert.Equal(0.0011, p.CSigmaA);
        string json = Encoding.UTF8.GetString(TwinPayloads.Serialize(p));
        Assert.Contains("\"a_A\":2.8341", json);
        Assert.Contains("\"c_sigma_A\":0.0011", json);
        Assert.Equal(p, Parse(json));
    }

    [Fact]
    public void C_alone_without_sigma_is_accepted()
    {
        var p = Parse(Base + ""","c_A":14.30}""");
        Assert.Equal(14.30, p.CA);
        Assert.Null(p.AA);
    }

    [Theory]
    [InlineData(""","a_A":0.2834}""", "a_A = 0.2834 is outside the plausible range [1, 10] Å")]
    [InlineData(""","c_A":144.4}""", "c_A = 144.4 is outside the plausible range [5, 50] Å")]
    [InlineData(""","a_A":2.83,"a_sigma_A":0}""", "a_sigma_A = 0 must be a positive number of Å")]
    [InlineData(""","c_A":14.3,"c_sigma_A":-0.001}""", "c_sigma_A = -0.001 must be a positive number of Å")]
    [InlineData(""","c_sigma_A":0.001}""", "c_sigma_A is given without c_A")]
    [InlineData(""","a_A":"NaN"}""", "not a valid PatternRecord JSON payload")]
    public void Bad_lattice_fields_are_rejected_with_the_field_named(string tail, string expected)
    {
        var e = Assert.Throws<PayloadException>(() => Parse(Base + tail));
        Assert.Contains(expected, e.Message);
    }
}
