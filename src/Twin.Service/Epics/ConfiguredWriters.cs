using Twin.Epics.ChannelAccess.Circuit;
using Twin.Epics.ProcessVariables;
using Twin.Service.Config;

namespace Twin.Service.Epics;

/// <summary>Write access for the clients the <c>epics: writers:</c> list names (user exact, host without case).</summary>
/// <param name="writers">The list.</param>
internal sealed class ConfiguredWriters(IReadOnlyList<EpicsWriter> writers) : IWriteAccess
{
    public bool MayWrite(string user, string host, ProcessVariable pv) =>
        writers.Any(w => w.User == user && string.Equals(w.Host, host, StringComparison.OrdinalIgnoreCase));
}
