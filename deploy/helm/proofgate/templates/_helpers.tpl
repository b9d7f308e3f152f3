{{/* The chart's name, or nameOverride. */}}
{{- define "proofgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the objects' names, at most 63 characters (a DNS label). */}}
{{- define "proofgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "proofgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "proofgate.labels" -}}
helm.sh/chart: {{ include "proofgate.chart" . }}
{{ include "proofgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- /* The application, whatever nameOverride says: the job the Prometheus rules select. */}}
app.kubernetes.io/part-of: proofgate
{{- end }}

{{- define "proofgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "proofgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "proofgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "proofgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read their secret settings from: existingSecret, or the chart's own. */}}
{{- define "proofgate.secretName" -}}
{{- default (include "proofgate.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
A map's entries whose value is not empty, as strings (environment variables are strings): what the
ConfigMap and the chart's Secret carry. An empty value is left out, so the service's default applies.
*/}}
{{- define "proofgate.setEntries" -}}
{{- $entries := dict }}
{{- range $name, $value := . }}
{{- if ne (toString $value) "" }}
{{- $_ := set $entries $name (toString $value) }}
{{- end }}
{{- end }}
{{- toYaml $entries }}
{{- end }}

{{/*
A setting in seconds as the service reads it: config's, else the service's default. Called with
(dict "config" .Values.config "name" "SHUTDOWN_GRACE_SECONDS" "default" "10").
*/}}
{{- define "proofgate.configSeconds" -}}
{{- $value := .default }}
{{- if hasKey .config .name }}
{{- $set := toString (get .config .name) }}
{{- if ne $set "" }}
{{- $value = $set }}
{{- end }}
{{- end }}
{{- if not (regexMatch "^[0-9]+$" $value) }}
{{- fail (printf "config.%s must be a whole number of seconds, not %q" .name $value) }}
{{- end }}
{{- atoi $value }}
{{- end }}

{{/* SHUTDOWN_GRACE_SECONDS as the service reads it: config's, else its default of 10. */}}
{{- define "proofgate.shutdownGraceSeconds" -}}
{{- include "proofgate.configSeconds" (dict "config" .Values.config "name" "SHUTDOWN_GRACE_SECONDS" "default" "10") }}
{{- end }}

{{/*
The startup probe's failureThreshold: as set, else enough periods to outlast the longest start,
MIGRATIONS_WAIT_SECONDS (an instance waiting for another's migrations does not listen yet) and
probes.startupMarginSeconds for the start around it, so a rolling upgrade that migrates is not
restarted in a loop.
*/}}
{{- define "proofgate.startupFailureThreshold" -}}
{{- if .Values.probes.startup.failureThreshold }}
{{- int .Values.probes.startup.failureThreshold }}
{{- else }}
{{- $period := int (default 10 .Values.probes.startup.periodSeconds) }}
{{- $wait := include "proofgate.configSeconds" (dict "config" .Values.config "name" "MIGRATIONS_WAIT_SECONDS" "default" "300") | atoi }}
{{- $window := add $wait (int .Values.probes.startupMarginSeconds) }}
{{- div (add $window $period -1) $period }}
{{- end }}
{{- end }}

{{/*
The pod's grace period: longer than the preStop sleep and the instance's own drain together, so
that SIGKILL never cuts an answer already written to the database (docs/DEPLOYMENT.md).
*/}}
{{- define "proofgate.terminationGracePeriodSeconds" -}}
{{- $sleep := int .Values.shutdown.preStopSleepSeconds }}
{{- $margin := int .Values.shutdown.marginSeconds }}
{{- if lt $margin 1 }}
{{- fail "shutdown.marginSeconds must be at least 1: the pod's grace period must outlast the drain" }}
{{- end }}
{{- add $sleep (include "proofgate.shutdownGraceSeconds" . | atoi) $margin }}
{{- end }}

{{/*
Values that can only be mistakes, refused with the line that says what to do: a secret in the
ConfigMap (readable by whoever reads ConfigMaps), and secrets.values beside an existingSecret (the
pods would never see them). Included by the Deployment, so every render checks them.
*/}}
{{- define "proofgate.checkValues" -}}
{{- range $name, $value := .Values.config }}
{{- if and (hasKey $.Values.secrets.values $name) (ne (toString $value) "") }}
{{- fail (printf "config.%s is a secret: set secrets.values.%s, or put it in secrets.existingSecret (a ConfigMap is readable by whoever reads ConfigMaps)" $name $name) }}
{{- end }}
{{- end }}
{{- if .Values.secrets.existingSecret }}
{{- range $name, $value := .Values.secrets.values }}
{{- if ne (toString $value) "" }}
{{- fail (printf "secrets.values.%s is ignored with secrets.existingSecret %q: put %s in that Secret, and leave secrets.values empty" $name $.Values.secrets.existingSecret $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
