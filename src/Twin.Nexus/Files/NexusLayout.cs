namespace Twin.Nexus.Files;

/// <summary>
/// Names in the experiment file. The tree, per cell:
/// <code>
/// /                       NXroot   (default = first cell)
///   {cell}/               NXentry  title, start_time, end_time, program_name
///     sample/             NXsample name, site, cathode_material, q_li (A.h), c_li0, limits
///     electrochemistry/   NXdata   time (s), time_unix_ns, voltage (V), current (A), charge (A.h), temperature (degC), step, cycle
///     twin/               NXdata   time (s), c_li, c_li_errors (σ), c_li_counted, c_li_lower_bound, a, c, d_il (angstrom), eps_aniso, zone
///     cycles/             NXcollection  one row per cycle
///     events/, alarms/    NXcollection  time, time_unix_ns, kind, message
///     patterns/           NXcollection  id, start/mid/end time, exposure, wavelength, c_li_mid, c_li_lattice, a, c, status, file;
///       {pattern id}/     NXdata   two_theta (degree) or q (1/angstrom), intensity (counts)
/// </code>
/// </summary>
public static class NexusLayout
{
    /// <summary>The NXdata of the twin's outputs (the entry's default plot: c_li against time).</summary>
    public const string Twin = "twin";

    /// <summary>The NXdata of the electrochemistry.</summary>
    public const string Electrochemistry = "electrochemistry";

    /// <summary>An HDF5 link name for an id: '/' and '.' alone are not allowed, so '/' becomes '_'.</summary>
    /// <param name="id">A cell or pattern id.</param>
    /// <returns>The name.</returns>
    public static string SafeName(string id)
    {
        string s = id.Replace('/', '_');
        return s is "" or "." or ".." ? "_" + s : s;
    }
}
