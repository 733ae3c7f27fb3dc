using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LayerGen.GeneratorBenchmarks [-- --cpu]
if (args is ["--cpu"])
{
    LayerGen.GeneratorBenchmarks.CpuTime.Run();
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(LayerGen.GeneratorBenchmarks.GeneratorCostBenchmarks).Assembly).Run(args);
}
