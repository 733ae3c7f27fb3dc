using System;
using Xunit;

namespace LayerGen.Tests.Infrastructure;

/// <summary>A fact about Unix file modes: reported as skipped on Windows, which has none, rather than passing there unchecked.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes only";
        }
    }
}
