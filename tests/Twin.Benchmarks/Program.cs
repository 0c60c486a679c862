using BenchmarkDotNet.Running;
using Twin.Benchmarks;

// dotnet run -c Release --project tests/Twin.Benchmarks -- memory      → replay peak memory vs file size
// dotnet run -c Release --project tests/Twin.Benchmarks -- --filter '*' → BenchmarkDotNet suites
// dotnet run -c Release --project tests/Twin.Benchmarks -- live [cells] [hz] [seconds] → Mosquitto → twin serve → InfluxDB
// dotnet run -c Release --project tests/Twin.Benchmarks -- live-ramp [cells] [seconds]  → highest sustained rate
// dotnet run -c Release --project tests/Twin.Benchmarks -- scpi [seconds]           → SCPI round trips/s over TCP and a pty
// dotnet run -c Release --project tests/Twin.Benchmarks -- jitter [seconds] [hz]     → sampling jitter of the runner
// dotnet run -c Release --project tests/Twin.Benchmarks -- dashboard [seconds] [sessions] [warmup] [--hz N] → overview latency, first paint, memory
// dotnet run -c Release --project tests/Twin.Benchmarks -- drain-large [MiB] [live MiB] → drainer memory and delay for one huge line (256 MiB heap)
// dotnet run -c Release --project tests/Twin.Benchmarks -- writer-pair [points]      → our line-protocol writer vs InfluxDB.Client 5.1.0, same VictoriaMetrics
// dotnet run -c Release --project tests/Twin.Benchmarks -- mqtt-pair [messages] [payload bytes] → our MQTT client vs MQTTnet 5, same Mosquitto
// dotnet run -c Release --project tests/Twin.Benchmarks -- serial-pair [round trips] → our termios serial transport vs System.IO.Ports 11.0.0, same socat pty pair
if (args.Length > 0 && args[0] == "scpi") return await Twin.Benchmarks.Instruments.InstrumentBench.ScpiAsync(args);
if (args.Length > 0 && args[0] == "jitter") return await Twin.Benchmarks.Instruments.InstrumentBench.JitterAsync(args);
if (args.Length > 0 && args[0] == "memory") return MemoryScaling.Run();
if (args.Length > 0 && args[0] == "live") return await Twin.Benchmarks.Live.LiveLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "epics") return await Twin.Benchmarks.Live.EpicsLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "dashboard") return await Twin.Benchmarks.Live.DashboardLoad.RunAsync(args);
if (args.Length > 0 && args[0] == "drain-large") return await Twin.Benchmarks.Storage.LargeLineDrain.RunAsync(args);
if (args.Length > 0 && args[0] == "writer-pair") return await Twin.Benchmarks.Storage.WriterPairBench.RunAsync(args);
if (args.Length > 0 && args[0] == "mqtt-pair") return await Twin.Benchmarks.Messaging.MqttPairBench.RunAsync(args);
if (args.Length > 0 && args[0] == "serial-pair") return await Twin.Benchmarks.Instruments.SerialPairBench.RunAsync(args);
if (args.Length > 0 && args[0] == "live-ramp") return await Twin.Benchmarks.Live.LiveLoad.RampAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(ReaderTwinBenchmark).Assembly).Run(args);
return 0;
