{{/* Written by 'confide image convert'. */}}
{{- define "confide.fullname" -}}
{{- default .Release.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "confide.namespace" -}}
{{- default .Release.Namespace .Values.namespace -}}
{{- end -}}

{{- define "confide.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.service }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "confide.labels" -}}
{{ include "confide.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
confide.dev/session: {{ .Values.session | replace "/" "_" | trunc 63 | quote }}
{{- end -}}

{{- define "confide.volumeName" -}}
{{- printf "vol-%s" (regexReplaceAll "[^a-z0-9-]" (lower .) "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}
