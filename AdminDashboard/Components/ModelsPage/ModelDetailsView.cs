using AdminDashboard.Clients;

namespace AdminDashboard.Components.ModelsPage;

/// <summary>A cached model's files as fetched for its details row: the snapshot, or why it could not be read.</summary>
public sealed record ModelDetailsView(ModelDetails? Model, string? Error);
