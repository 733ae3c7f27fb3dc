using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LayerGen.GeneratorBenchmarks
BenchmarkSwitcher.FromAssembly(typeof(LayerGen.GeneratorBenchmarks.GeneratorCostBenchmarks).Assembly).Run(args);
