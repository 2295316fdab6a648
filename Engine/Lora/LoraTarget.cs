using Engine.Models;

namespace Engine.Lora;

/// <summary>The projections an adapter may target (PEFT's target_modules), each with the widths its A and B must have.</summary>
public enum LoraTarget
{
    QProj,
    KProj,
    VProj,
    OProj,
    GateProj,
    UpProj,
    DownProj,
}

public static class LoraTargets
{
    public static readonly IReadOnlyList<LoraTarget> All = Enum.GetValues<LoraTarget>();

    /// <summary>The module's name in checkpoints and adapter_config.json.</summary>
    public static string ModuleName(this LoraTarget target) => target switch
    {
        LoraTarget.QProj => "q_proj",
        LoraTarget.KProj => "k_proj",
        LoraTarget.VProj => "v_proj",
        LoraTarget.OProj => "o_proj",
        LoraTarget.GateProj => "gate_proj",
        LoraTarget.UpProj => "up_proj",
        _ => "down_proj",
    };

    /// <summary>The module's parent in checkpoint names: self_attn or mlp.</summary>
    public static string Block(this LoraTarget target) => target <= LoraTarget.OProj ? "self_attn" : "mlp";

    public static bool IsMlp(this LoraTarget target) => target >= LoraTarget.GateProj;

    public static LoraTarget? Parse(string moduleName) => All.Cast<LoraTarget?>().FirstOrDefault(t => t!.Value.ModuleName() == moduleName);

    /// <summary>The projection's (input, output) widths in this model: A is [r, input], B is [output, r].</summary>
    public static (int Input, int Output) Widths(this LoraTarget target, ModelConfig c)
    {
        int q = c.NumHeads * c.HeadDim, kv = c.NumKvHeads * c.HeadDim, h = c.HiddenSize, f = c.IntermediateSize;
        return target switch
        {
            LoraTarget.QProj => (h, q),
            LoraTarget.KProj or LoraTarget.VProj => (h, kv),
            LoraTarget.OProj => (q, h),
            LoraTarget.GateProj or LoraTarget.UpProj => (h, f),
            _ => (f, h),
        };
    }
}
