namespace Twin.Core.Ocv;

/// <summary>Which electrode an open-circuit-potential table describes.</summary>
public enum OcpElectrode
{
    /// <summary>The positive electrode (layered-oxide cathode); its table must fall strictly with lithium content
    /// so that a potential can be inverted.</summary>
    Cathode,

    /// <summary>The negative electrode (e.g. graphite).</summary>
    Anode,
}
