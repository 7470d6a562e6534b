package dev.distill.k8s;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * KEDA's TriggerAuthentication (keda.sh/v1alpha1), the fields this deployment uses, parsed strictly
 * like {@link ScaledObject}: where a scaler's credentials come from.
 */
record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(List<SecretTargetRef> secretTargetRef) {}

    /** One scaler parameter taken from a Secret's key. */
    record SecretTargetRef(String parameter, String name, String key) {}
}
