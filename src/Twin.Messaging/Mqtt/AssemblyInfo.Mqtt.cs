using System.Runtime.CompilerServices;

// The codec and packet types are internal; the test project exercises them directly (round trips, fuzzing).
[assembly: InternalsVisibleTo("Twin.Messaging.Tests")]
