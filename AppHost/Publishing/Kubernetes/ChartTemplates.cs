using AppHost.Resources;

namespace AppHost.Publishing.Kubernetes;

/// <summary>The chart's templates besides the workloads: helpers, the Secret, the shared volumes, the Ingress, and a
/// replica group's autoscaling and disruption budget; each adds the values it reads.</summary>
public static class ChartTemplates
{
    public static string Helpers(HelmChart chart) =>
        $$$"""
        {{/* Labels: the chart, the release, and which service (component) an object belongs to. */}}
        {{- define "{{{HelmChart.Name}}}.selectorLabels" -}}
        app.kubernetes.io/name: {{{HelmChart.Name}}}
        app.kubernetes.io/instance: {{ .root.Release.Name }}
        app.kubernetes.io/component: {{ .component }}
        {{- end }}

        {{- define "{{{HelmChart.Name}}}.labels" -}}
        {{ include "{{{HelmChart.Name}}}.selectorLabels" . }}
        app.kubernetes.io/managed-by: {{ .root.Release.Service }}
        helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
        {{- end }}

        {{/* A value of the Secret: the one in the values, else the one already installed (kept on upgrade), else a
             generated one (length .generate) or empty. */}}
        {{- define "{{{HelmChart.Name}}}.secretValue" -}}
        {{- $value := .given | default (.existing | default "" | b64dec) -}}
        {{- if and (not $value) .generate }}{{ $value = randAlphaNum (int .generate) }}{{ end -}}
        {{- $value | b64enc | quote -}}
        {{- end }}
        {{{string.Concat(chart.Workloads.Where(w => w.IsReplicaGroup).Select(w => ReplicaSlots(w)))}}}
        """ + "\n";

    /// <summary>How many replicas a group may have: the addresses the gateway and the dashboard get.</summary>
    private static string ReplicaSlots(Workload group)
    {
        var values = $".Values.{group.ValuesKey}";
        var most = group.Service.Annotation<QueueAutoscalingAnnotation>() is null
            ? $"{{{{- {values}.replicas -}}}}"
            : $"{{{{- if {values}.autoscaling.enabled }}}}{{{{ {values}.autoscaling.maxReplicas }}}}{{{{ else }}}}{{{{ {values}.replicas }}}}{{{{ end -}}}}";
        return $$$"""


            {{/* The most replicas {{{group.Name}}} may have: one service discovery entry each. */}}
            {{- define "{{{HelmChart.Name}}}.replicaSlots.{{{group.Name}}}" -}}
            {{{most}}}
            {{- end }}
            """;
    }

    public static string Secret(HelmChart chart)
    {
        foreach (var parameter in chart.Parameters)
            chart.Values.Add(HelmChart.SecretValuesKey(parameter), "",
                $"The parameter {parameter.Name} (Secret key `{parameter.Name}`)" +
                (parameter.GeneratedLength is { } length ? $"; empty: generated on install ({length} letters and digits) and kept on upgrade." : "; empty: none."));
        var keys = chart.Parameters.Select(p =>
            $"  {p.Name}: {{{{ include \"{HelmChart.Name}.secretValue\" (dict \"given\" .Values.{HelmChart.SecretValuesKey(p)} \"existing\" (get $existing \"{p.Name}\") \"generate\" {p.GeneratedLength ?? 0}) }}}}");
        var external = chart.Workloads.Where(w => w.CanBeExternal).Select(w =>
            $"  {{{{- with {w.ExternalConnectionStringValue} }}}}\n  {w.ExternalConnectionStringKey}: {{{{ . | b64enc | quote }}}}\n  {{{{- end }}}}");
        return $$$"""
            # The parameters of the AppHost's model (and external connection strings), for the services' secretKeyRefs.
            {{- $existing := (lookup "v1" "Secret" .Release.Namespace "{{{HelmChart.SecretName}}}").data | default (dict) }}
            {{{HelmChart.ObjectHeader("v1", "Secret", HelmChart.SecretName, "secrets")}}}
            type: Opaque
            data:
            {{{string.Join('\n', keys.Concat(external))}}}
            """ + "\n";
    }

    /// <summary>A PersistentVolumeClaim per volume that projects mount (the Hugging Face cache), shared by them: ReadWriteMany
    /// by default, since pods on several nodes mount it. Kept when the release is uninstalled (downloaded models).</summary>
    public static IEnumerable<(string File, string Text)> SharedVolumes(HelmChart chart)
    {
        var volumes = chart.Model.Services.Where(s => s.IsProject).SelectMany(s => s.Volumes.Select(v => (Volume: v, Service: chart.WorkloadOf(s.Name).Name)))
            .GroupBy(v => v.Volume.Name);
        foreach (var volume in volumes)
        {
            var key = HelmText.ValuesKey(volume.Key);
            var users = string.Join(", ", volume.Select(v => v.Service).Distinct());
            chart.Values.Add($"{key}.size", "100Gi", $"Size of the {volume.Key} volume (mounted at {volume.First().Volume.Target} by {users}).")
                .Add($"{key}.accessMode", "ReadWriteMany", $"Access mode of {volume.Key}: ReadWriteMany lets pods on several nodes share it; ReadWriteOnce only on one node.")
                .Add($"{key}.storageClass", "", $"StorageClass of {volume.Key} (one that offers the access mode); empty: the cluster's default.");
            yield return ($"{volume.Key}-pvc.yaml", $$$"""
                # The {{{volume.Key}}} volume of {{{users}}}: one claim they share.
                {{{HelmChart.ObjectHeader("v1", "PersistentVolumeClaim", volume.Key, volume.Key)}}}
                  annotations:
                    helm.sh/resource-policy: keep
                spec:
                  accessModes: [{{ .Values.{{{key}}}.accessMode | quote }}]
                  {{- with .Values.{{{key}}}.storageClass }}
                  storageClassName: {{ . | quote }}
                  {{- end }}
                  resources:
                    requests:
                      storage: {{ .Values.{{{key}}}.size | quote }}
                """ + "\n");
        }
    }

    /// <summary>The Ingress to the public entry point (the gateway), off by default.</summary>
    public static string? Ingress(HelmChart chart)
    {
        if (chart.Workloads.FirstOrDefault(w => w.Service.Annotation<PublicEntryPointAnnotation>() is not null) is not { } entry) return null;
        var port = entry.Service.Bindings.First(b => b.Binding["external"]?.GetValue<bool>() == true).Name;
        chart.Values.Add("ingress.enabled", false, $"Expose {entry.Name} through an Ingress (then set {entry.ValuesKey}.service.type to ClusterIP).")
            .Add("ingress.className", "", "The IngressClass (e.g. nginx); empty: the cluster's default.")
            .Add("ingress.host", "llm.example.com", "The host name clients use.")
            .Add("ingress.tls.secretName", "", "A TLS Secret (kubernetes.io/tls) for that host, e.g. from cert-manager; empty: plain HTTP.")
            .Add("ingress.annotations", ChartValues.EmptyMap, "Annotations of the Ingress (e.g. nginx's proxy-read-timeout and proxy-buffering \"off\" for long streamed completions).");
        return $$$"""
            {{- if .Values.ingress.enabled }}
            # {{{entry.Name}}} from outside the cluster, by host name.
            {{{HelmChart.ObjectHeader("networking.k8s.io/v1", "Ingress", entry.Name, entry.Name)}}}
              {{- with .Values.ingress.annotations }}
              annotations:
                {{- toYaml . | nindent 4 }}
              {{- end }}
            spec:
              {{- with .Values.ingress.className }}
              ingressClassName: {{ . | quote }}
              {{- end }}
              {{- with .Values.ingress.tls.secretName }}
              tls:
                - hosts: [{{ $.Values.ingress.host | quote }}]
                  secretName: {{ . | quote }}
              {{- end }}
              rules:
                - host: {{ .Values.ingress.host | quote }}
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: {{{entry.Name}}}
                            port:
                              name: {{{port}}}
            {{- end }}
            """ + "\n";
    }

    /// <summary>KEDA's ScaledObject for a replica group with a queue metric: Prometheus' total queue over a threshold per
    /// replica.</summary>
    public static string? Autoscaling(Workload group)
    {
        if (group.Service.Annotation<QueueAutoscalingAnnotation>() is not { } autoscaling) return null;
        var values = $".Values.{group.ValuesKey}.autoscaling";
        return $$$"""
            {{- if {{{values}}}.enabled }}
            # {{{group.Name}}} scaled on its queue ({{{autoscaling.Metric}}}); KEDA owns the StatefulSet's replicas then.
            {{{HelmChart.ObjectHeader("keda.sh/v1alpha1", "ScaledObject", group.Name, group.Name)}}}
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: StatefulSet
                name: {{{group.Name}}}
              minReplicaCount: {{ {{{values}}}.minReplicas }}
              maxReplicaCount: {{ {{{values}}}.maxReplicas }}
              pollingInterval: {{ {{{values}}}.pollingInterval }}
              cooldownPeriod: {{ {{{values}}}.cooldownPeriod }}
              triggers:
                - type: prometheus
                  metadata:
                    serverAddress: {{ {{{values}}}.serverAddress | quote }}
                    query: {{ {{{values}}}.query | default (printf "sum({{{autoscaling.Metric}}}{namespace=\"%s\",pod=~\"{{{group.Name}}}-[0-9]+\"})" .Release.Namespace) | quote }}
                    threshold: {{ {{{values}}}.threshold | quote }}
            {{- end }}
            """ + "\n";
    }

    public static string DisruptionBudget(Workload group)
    {
        var values = $".Values.{group.ValuesKey}.podDisruptionBudget";
        return $$$"""
            {{- if {{{values}}}.enabled }}
            # Voluntary disruptions (node drains, upgrades) take {{{group.Name}}}'s replicas down a few at a time.
            {{{HelmChart.ObjectHeader("policy/v1", "PodDisruptionBudget", group.Name, group.Name)}}}
            spec:
              maxUnavailable: {{ {{{values}}}.maxUnavailable }}
              selector:
                matchLabels:
                  {{- include "{{{HelmChart.Name}}}.selectorLabels" (dict "root" $ "component" "{{{group.Name}}}") | nindent 6 }}
            {{- end }}
            """ + "\n";
    }

    /// <summary>Printed after install: how to reach the entry point and read the generated secrets.</summary>
    public static string Notes(HelmChart chart)
    {
        var entry = chart.Workloads.FirstOrDefault(w => w.Service.Annotation<PublicEntryPointAnnotation>() is not null);
        var reach = entry is null ? "" : $$$"""
            {{- if .Values.ingress.enabled }}
            {{{entry.Name}}}: http{{ if .Values.ingress.tls.secretName }}s{{ end }}://{{ .Values.ingress.host }}/
            {{- else }}
            {{{entry.Name}}}: kubectl get service {{{entry.Name}}} --namespace {{ .Release.Namespace }}   (its address once the load balancer has one)
            {{- end }}
            """;
        var secrets = chart.Parameters.Select(p =>
            $"  {p.Name}: kubectl get secret {HelmChart.SecretName} --namespace {{{{ .Release.Namespace }}}} -o jsonpath='{{.data.{p.Name}}}' | base64 -d");
        return $$$"""
            {{{HelmChart.Name}}} is installed in namespace {{ .Release.Namespace }}.
            {{{reach}}}
            The secrets (generated on install unless given in the values; kept on upgrade):
            {{{string.Join('\n', secrets)}}}
            See the chart's README.md for every value.
            """ + "\n";
    }
}
