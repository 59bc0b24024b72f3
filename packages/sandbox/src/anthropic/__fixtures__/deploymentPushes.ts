/** Pushed file contents and their GitHub compare patches, produced with `git diff`. */

export const DEPLOYMENT_BEFORE_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const DEPLOYMENT_AFTER_IMAGE_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 3
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.99
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_IMAGE = `@@ -6,7 +6,7 @@ metadata:
   labels:
     app: podinfo
 spec:
-  replicas: 2
+  replicas: 3
   selector:
     matchLabels:
       app: podinfo
@@ -17,7 +17,7 @@ spec:
     spec:
       containers:
         - name: podinfo
-          image: ghcr.io/stefanprodan/podinfo:6.5.4
+          image: ghcr.io/stefanprodan/podinfo:6.5.99
           args:
             - --port=9898
             - --level=info
`;

export const DEPLOYMENT_AFTER_OOM_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 16Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_OOM = `@@ -33,7 +33,7 @@ spec:
             - containerPort: 9898
           resources:
             limits:
-              memory: 128Mi
+              memory: 16Mi
             requests:
               cpu: 100m
               memory: 64Mi
`;

export const DEPLOYMENT_AFTER_ENV_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_ENV = `@@ -24,11 +24,6 @@ spec:
           env:
             - name: PODINFO_UI_COLOR
               value: "#34577c"
-            - name: DATABASE_URL
-              valueFrom:
-                secretKeyRef:
-                  name: podinfo-db
-                  key: url
           ports:
             - containerPort: 9898
           resources:
`;

export const DEPLOYMENT_AFTER_FLAG_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
            - --enable-turbo
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_FLAG = `@@ -21,6 +21,7 @@ spec:
           args:
             - --port=9898
             - --level=info
+            - --enable-turbo
           env:
             - name: PODINFO_UI_COLOR
               value: "#34577c"
`;

export const DEPLOYMENT_AFTER_INVALID_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
              valueFrom:
                configMapKeyRef:
                  name: podinfo-ui
                  key: color
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 9898
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_INVALID = `@@ -24,6 +24,10 @@ spec:
           env:
             - name: PODINFO_UI_COLOR
               value: "#34577c"
+              valueFrom:
+                configMapKeyRef:
+                  name: podinfo-ui
+                  key: color
             - name: DATABASE_URL
               valueFrom:
                 secretKeyRef:
`;

export const DEPLOYMENT_AFTER_PORT_PUSH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: apps
  labels:
    app: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.5.4
          args:
            - --port=9898
            - --level=info
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: podinfo-db
                  key: url
          ports:
            - containerPort: 8080
          resources:
            limits:
              memory: 128Mi
            requests:
              cpu: 100m
              memory: 64Mi
`;

export const PATCH_PORT = `@@ -30,7 +30,7 @@ spec:
                   name: podinfo-db
                   key: url
           ports:
-            - containerPort: 9898
+            - containerPort: 8080
           resources:
             limits:
               memory: 128Mi
`;

export const KUSTOMIZATION_IMAGES_BEFORE_PUSH = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: apps
resources:
  - deployment.yaml
images:
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.5.4
`;

export const KUSTOMIZATION_IMAGES_AFTER_PUSH = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: apps
resources:
  - deployment.yaml
images:
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.6.0-rc.1
`;

export const PATCH_KUSTOMIZATION_IMAGES = `@@ -5,4 +5,4 @@ resources:
   - deployment.yaml
 images:
   - name: ghcr.io/stefanprodan/podinfo
-    newTag: 6.5.4
+    newTag: 6.6.0-rc.1
`;
