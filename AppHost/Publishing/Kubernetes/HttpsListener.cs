using AppHost.Resources;

namespace AppHost.Publishing.Kubernetes;

/// <summary>
/// HTTPS on a service that serves it itself (<see cref="TlsTerminationAnnotation"/>: the gateway), behind
/// <c>&lt;service&gt;.tls.enabled</c>: a kubernetes.io/tls Secret (created by the chart from the values, or one that exists,
/// e.g. cert-manager's) mounted read-only where the service's TLS settings point, an https container port beside http, and
/// that port on the Service. Probes stay on plain HTTP, which the service never redirects.
/// </summary>
public static class HttpsListener
{
    public const string PortName = "https";
    private const string VolumeName = "tls";
    private const string MountPath = "/etc/tls";

    public static bool Has(Workload workload) => workload.Service.Annotation<TlsTerminationAnnotation>() is not null;

    /// <summary>The template condition: HTTPS switched on.</summary>
    public static string Enabled(Workload workload) => $".Values.{workload.ValuesKey}.tls.enabled";

    public static void AddValues(Workload workload, ChartValues values)
    {
        var key = workload.ValuesKey;
        values.Add($"{key}.tls.enabled", false,
                $"Serve HTTPS (HTTP/1.1 and HTTP/2) on {workload.Name} itself, with the certificate of `{key}.tls.secretName`, on port `{key}.tls.port` of its pods and Service, beside plain HTTP (which the probes keep using).")
            .Add($"{key}.tls.secretName", $"{workload.Name}-tls",
                $"The kubernetes.io/tls Secret (keys tls.crt and tls.key) mounted at {MountPath}; a renewed certificate is picked up without a restart.")
            .Add($"{key}.tls.certificate", "",
                $"PEM certificate (then its intermediates): the chart creates the Secret from it and `{key}.tls.key`; empty: the Secret must exist (cert-manager, `kubectl create secret tls`).")
            .Add($"{key}.tls.key", "", $"The PEM private key of `{key}.tls.certificate`.")
            .Add($"{key}.tls.port", 8443, "The HTTPS port of the container and of the Service.")
            .Add($"{key}.tls.httpsRedirect", false, "Redirect plain-HTTP requests (not probes and scrapes) to HTTPS.")
            .Add($"{key}.tls.hsts", false, "Send Strict-Transport-Security on HTTPS responses.");
    }

    public static string ContainerPort(Workload workload) =>
        $"{{{{- if {Enabled(workload)} }}}}\n- name: {PortName}\n  containerPort: {{{{ .Values.{workload.ValuesKey}.tls.port }}}}\n{{{{- end }}}}";

    /// <summary>The service's listeners (the http one stays) and TLS settings.</summary>
    public static string Environment(Workload workload, int httpPort)
    {
        var values = $".Values.{workload.ValuesKey}.tls";
        var settings = workload.Service.Annotation<TlsTerminationAnnotation>()!.SettingsPrefix;
        return $$$"""
            {{- if {{{Enabled(workload)}}} }}
            - name: ASPNETCORE_URLS
              value: {{ printf "http://+:{{{httpPort}}};https://+:%v" {{{values}}}.port | quote }}
            - name: {{{settings}}}__CertificatePath
              value: "{{{MountPath}}}/tls.crt"
            - name: {{{settings}}}__KeyPath
              value: "{{{MountPath}}}/tls.key"
            - name: {{{settings}}}__HttpsRedirect
              value: {{ {{{values}}}.httpsRedirect | quote }}
            - name: {{{settings}}}__Hsts
              value: {{ {{{values}}}.hsts | quote }}
            {{- end }}
            """;
    }

    public static string VolumeMount() => $"- name: {VolumeName}\n  mountPath: {MountPath}\n  readOnly: true";

    public static string Volume(Workload workload) => $$$"""
        - name: {{{VolumeName}}}
          secret:
            secretName: {{ required "{{{workload.ValuesKey}}}.tls.secretName: the Secret of the certificate" .Values.{{{workload.ValuesKey}}}.tls.secretName | quote }}
            items:
              - key: tls.crt
                path: tls.crt
              - key: tls.key
                path: tls.key
        """;

    public static string ServicePort(Workload workload) =>
        $"{{{{- if {Enabled(workload)} }}}}\n- name: {PortName}\n  port: {{{{ .Values.{workload.ValuesKey}.tls.port }}}}\n  targetPort: {PortName}\n  protocol: TCP\n{{{{- end }}}}";

    /// <summary>The Secret from the values' certificate and key, when they are given.</summary>
    public static string Secret(Workload workload)
    {
        var values = $".Values.{workload.ValuesKey}.tls";
        return $$$"""
            {{- if and {{{values}}}.enabled {{{values}}}.certificate }}
            # The certificate of {{{workload.Name}}}'s HTTPS listener, from the values.
            {{{HelmChart.ObjectHeader("v1", "Secret", $"{{{{ {values}.secretName }}}}", workload.Name)}}}
            type: kubernetes.io/tls
            data:
              tls.crt: {{ {{{values}}}.certificate | b64enc | quote }}
              tls.key: {{ required "{{{workload.ValuesKey}}}.tls.key: the private key of the certificate" {{{values}}}.key | b64enc | quote }}
            {{- end }}
            """ + "\n";
    }
}
