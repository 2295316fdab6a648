using CommandLineFlags;

namespace CommandLineFlags.Tests;

public sealed class OptionsFlagsTests
{
    private sealed class SampleOptions
    {
        public string? AdminKey { get; set; }
        public int Limit { get; set; }
        public long? Bytes { get; set; }
        public TimeSpan Interval { get; set; }
        public bool Enabled { get; set; }
        public DayOfWeek Day { get; set; }
        public string[] Origins { get; set; } = [];
        public List<int> Ports { get; set; } = [];
        public Nested Inner { get; set; } = new();
        public string ReadOnly { get; } = "";
        public string PrivateSetter { get; private set; } = "";
    }

    private sealed class Nested
    {
        public int Depth { get; set; }
    }

    [Fact]
    public void ScalarsAndNestedClassesKeysAreKeys_CollectionsAreSections_ReadOnlyPropertiesAreNothing()
    {
        var flags = OptionsFlags.Of<SampleOptions>("Sample").Select(f => $"{f.Kind} {f.Name}");
        Assert.Equal(
        [
            "Value Sample:AdminKey", "Value Sample:Limit", "Value Sample:Bytes", "Value Sample:Interval", "Value Sample:Enabled",
            "Value Sample:Day", "Section Sample:Origins", "Section Sample:Ports", "Value Sample:Inner:Depth",
        ], flags);
    }
}
