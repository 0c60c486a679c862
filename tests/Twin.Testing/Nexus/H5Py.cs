using System.Diagnostics;
using System.Text.Json;

namespace Twin.Testing.Nexus;

/// <summary>
/// Reads an HDF5/NeXus file with Debian's h5py (the HDF5 C library: an independent reader, installed by
/// scripts/setup.sh --test) and hands back what it saw as JSON: every group's attributes and every dataset's shape,
/// attributes and values (strings decoded, NaN as null).
/// </summary>
public static class H5Py
{
    /// <summary>The system Python that has the Debian packages.</summary>
    public const string Python = "/usr/bin/python3";

    private const string DumpScript = """
import sys, json, math, h5py, numpy as np
def plain(v):
    if isinstance(v, bytes): return v.decode('utf-8')
    if isinstance(v, np.ndarray): return [plain(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)): return [plain(x) for x in v]
    if isinstance(v, np.generic): v = v.item()
    if isinstance(v, float) and not math.isfinite(v): return None
    return v
out = {"groups": {}, "datasets": {}}
with h5py.File(sys.argv[1], "r") as f:
    out["groups"]["/"] = {k: plain(v) for k, v in f.attrs.items()}
    def visit(name, obj):
        attrs = {k: plain(v) for k, v in obj.attrs.items()}
        if isinstance(obj, h5py.Group):
            out["groups"]["/" + name] = attrs
        else:
            data = obj.asstr()[()] if h5py.check_string_dtype(obj.dtype) else obj[()]
            out["datasets"]["/" + name] = {"shape": list(obj.shape), "dtype": str(obj.dtype), "attrs": attrs, "values": plain(data)}
    f.visititems(visit)
print(json.dumps(out))
""";

    /// <summary>Dumps a file.</summary>
    /// <param name="path">The HDF5 file.</param>
    /// <returns>{"groups": {path: attributes}, "datasets": {path: {shape, dtype, attrs, values}}}.</returns>
    /// <exception cref="InvalidOperationException">h5py could not read the file; the message has its error.</exception>
    public static async Task<JsonElement> DumpAsync(string path)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(DumpScript);
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        string output = await stdout.ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"h5py could not read {path} (exit {p.ExitCode}): {await stderr.ConfigureAwait(false)}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
