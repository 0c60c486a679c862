namespace Twin.Epics.ProcessVariables;

/// <summary>Told of a process variable's updates (a circuit's subscription). Must return at once and never block the updater.</summary>
public interface IPvObserver
{
    /// <summary>The PV was updated.</summary>
    /// <param name="pv">The PV (read its <see cref="ProcessVariable.Value"/> when sending, for the newest value).</param>
    /// <param name="events">What changed.</param>
    void OnChanged(ProcessVariable pv, PvEvents events);
}
