namespace Twin.Dashboard.Auth;

/// <summary>Authorization policies of the dashboard.</summary>
public static class DashboardPolicies
{
    /// <summary>Seeing pages and live data: any signed-in user, or anyone when anonymous read is on.</summary>
    public const string Read = "twin-read";

    /// <summary>Changing settings and acknowledging alarms: signed-in operators only.</summary>
    public const string Operate = "twin-operate";
}
