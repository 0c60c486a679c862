using BenchmarkDotNet.Running;
using Twin.Benchmarks;

// dotnet run -c Release --project tests/Twin.Benchmarks -- memory      → replay peak memory vs file size
// dotnet run -c Release --project tests/Twin.Benchmarks -- --filter '*' → BenchmarkDotNet suites
if (args.Length > 0 && args[0] == "memory") return MemoryScaling.Run();
BenchmarkSwitcher.FromAssembly(typeof(ReaderTwinBenchmark).Assembly).Run(args);
return 0;
