namespace Engine.Backends;

/// <summary>
/// One adapter's low-rank update of a projection, for some rows of a step: output[row] += Scale · (x[row] · Downᵀ) · Up,
/// where Down is LoRA's A [r, in] and Up is Bᵀ [r, out], both uploaded row-major (<see cref="IComputeBackend.Upload"/>).
/// </summary>
public readonly record struct LoraDelta(Tensor Down, Tensor Up, int[] Rows, float Scale);
