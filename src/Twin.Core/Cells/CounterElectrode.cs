namespace Twin.Core.Cells;

/// <summary>
/// What the cell's voltage is measured against, which decides whether a relaxed voltage gives the cathode's
/// potential and so its lithium content c_Li (docs/model.md, "Rest voltage as a measurement").
/// </summary>
public enum CounterElectrode
{
    /// <summary>Not stated in the configuration: no rest-voltage measurement is made (the offset between cell
    /// voltage and cathode potential is unknown).</summary>
    Unspecified = 0,

    /// <summary>Lithium-metal half cell: at rest the cell voltage is the cathode potential vs Li/Li⁺.</summary>
    LiMetal,

    /// <summary>Full cell with a graphite anode: the cathode potential is the cell voltage plus the anode potential,
    /// known only on graphite's stage-1 plateau.</summary>
    Graphite,

    /// <summary>Three-electrode cell whose voltage channel is the cathode against a lithium reference electrode.</summary>
    Reference,
}
