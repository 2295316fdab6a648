using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>/admin/keys: protected by the admin key; create shows the key once; list and get never show it; revoke keeps the record.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class AdminApiTests(SharedCluster cluster)
{
    private HttpClient Http => cluster.Gateway1.Http;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-admin-key")]
    public async Task The_admin_API_requires_the_admin_key(string? presented)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "admin/keys"), (HttpMethod.Post, "admin/keys"), (HttpMethod.Delete, "admin/keys/key_x") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? JsonContent.Create(new { name = "x" }) : null };
            if (presented is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", presented);
            using var response = await Http.SendAsync(request);
            await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_request_error", "invalid_api_key");
        }
    }

    [Fact]
    public async Task An_API_key_does_not_open_the_admin_API()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("admin-not-me");
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/keys");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_list_get_and_revoke_round_trip_across_gateways()
    {
        using var create = GatewayProcess.Admin(HttpMethod.Post, "admin/keys");
        create.Content = JsonContent.Create(new { name = "admin-roundtrip", requests_per_minute = 7, tokens_per_minute = 700 });
        using var created = await Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = createdJson.GetProperty("id").GetString()!;
        var secret = createdJson.GetProperty("key").GetString()!;
        Assert.StartsWith("sk-", secret);
        Assert.True(secret.Length >= 40, secret);
        Assert.Equal(7, createdJson.GetProperty("requests_per_minute").GetInt32());
        Assert.Equal(700, createdJson.GetProperty("tokens_per_minute").GetInt32());
        Assert.False(createdJson.GetProperty("revoked").GetBoolean());

        // Listed and fetched through the other gateway (shared store), never with the secret.
        using var listRequest = GatewayProcess.Admin(HttpMethod.Get, "admin/keys");
        var listText = await (await cluster.Gateway2.Http.SendAsync(listRequest)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, listText);
        var listed = JsonDocument.Parse(listText).RootElement.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal("admin-roundtrip", listed.GetProperty("name").GetString());
        Assert.False(listed.TryGetProperty("key", out _));

        await cluster.Gateway2.RevokeKeyAsync(id);
        using var getRequest = GatewayProcess.Admin(HttpMethod.Get, $"admin/keys/{id}");
        using var fetched = await Http.SendAsync(getRequest);
        var fetchedText = await fetched.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, fetchedText);
        Assert.True(JsonDocument.Parse(fetchedText).RootElement.GetProperty("revoked").GetBoolean(), fetchedText);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[]", null)]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"x\",\"requests_per_minute\":-1}", "requests_per_minute")]
    [InlineData("{\"name\":\"x\",\"tokens_per_minute\":\"many\"}", "tokens_per_minute")]
    public async Task Bad_create_bodies_get_400_naming_the_parameter(string body, string? param)
    {
        using var request = GatewayProcess.Admin(HttpMethod.Post, "admin/keys");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", null);
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Unknown_key_ids_get_404()
    {
        using var get = GatewayProcess.Admin(HttpMethod.Get, "admin/keys/key_missing");
        await OpenAiErrorAssert.IsErrorAsync(await Http.SendAsync(get), HttpStatusCode.NotFound, "invalid_request_error", "key_not_found");
        using var revoke = GatewayProcess.Admin(HttpMethod.Delete, "admin/keys/key_missing");
        await OpenAiErrorAssert.IsErrorAsync(await Http.SendAsync(revoke), HttpStatusCode.NotFound, "invalid_request_error", "key_not_found");
    }
}
