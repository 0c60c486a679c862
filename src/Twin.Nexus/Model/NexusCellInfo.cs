namespace Twin.Nexus.Model;

/// <summary>What the experiment file says about a cell.</summary>
/// <param name="Site">Site id.</param>
/// <param name="CellId">Cell id (the NXentry's name).</param>
/// <param name="Material">Cathode material ("NMC811", …).</param>
/// <param name="QLiAh">Lithium capacity Q_Li of the cathode, A·h.</param>
/// <param name="CLi0">c_Li at the start.</param>
/// <param name="CautionCLi">Caution limit of c_Li.</param>
/// <param name="CriticalCLi">Critical limit of c_Li.</param>
/// <param name="CLiMin">c_Li,min of the lithium cut-off.</param>
public sealed record NexusCellInfo(string Site, string CellId, string Material, double QLiAh, double CLi0, double CautionCLi, double CriticalCLi, double CLiMin);
