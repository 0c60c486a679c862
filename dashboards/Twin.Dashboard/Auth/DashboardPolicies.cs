using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>Authorization policies of the dashboard.</summary>
public static class DashboardPolicies
{
    /// <summary>Seeing pages and live data: any signed-in user (or API token), or anyone when anonymous read is on —
    /// the service's <see cref="TwinPolicies.Read"/>, which the REST API's reads follow too.</summary>
    public const string Read = TwinPolicies.Read;

    /// <summary>Changing settings and acknowledging alarms: operators signed in with a valid session only.</summary>
    public const string Operate = "twin-operate";
}
