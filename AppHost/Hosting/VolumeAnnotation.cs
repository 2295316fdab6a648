namespace AppHost.Hosting;

/// <summary>A named volume mounted at <see cref="Target"/> when published (compose); shared by every resource naming it.</summary>
public sealed record VolumeAnnotation(string Name, string Target, bool ReadOnly = false);
