"""CEL in kubelint: user rules written as CEL expressions (`rules/*.yaml` in a config
directory) and Kubernetes ValidatingAdmissionPolicies evaluated offline."""
