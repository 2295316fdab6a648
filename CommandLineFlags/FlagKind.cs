namespace CommandLineFlags;

public enum FlagKind
{
    /// <summary>Takes a value: <c>--max-model-len 512</c>, <c>--max-model-len=512</c>.</summary>
    Value,

    /// <summary>On or off: <c>--ignore-eos</c>, <c>--no-ignore-eos</c>, <c>--ignore-eos=false</c>.</summary>
    Switch,

    /// <summary>Takes a value and may be given more than once, each value kept in order: <c>--lora-modules a=/x --lora-modules b=/y</c>
    /// (configuration keys Name:0, Name:1, …).</summary>
    Repeated,

    /// <summary>A configuration section: any key below it, e.g. <c>--Logging:LogLevel:Default Warning</c>.</summary>
    Section,
}
