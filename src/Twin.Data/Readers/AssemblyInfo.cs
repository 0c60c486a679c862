using System.Runtime.CompilerServices;

// The parsing primitives (numbers, durations, line splitting) are tested directly.
[assembly: InternalsVisibleTo("Twin.Data.Tests")]
