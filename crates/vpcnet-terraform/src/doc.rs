//! The document as Terraform wrote it: which module tree to read, the resource
//! instances in it (with their JSON pointers), which of their values are unknown until
//! apply, and the `configuration` tree that says what refers to what.

use std::collections::HashMap;

use serde_json::Value;

use crate::{TfError, TfKind, Which};

/// One resource instance, as `planned_values`/`values`/`prior_state` lists it.
pub(crate) struct Res<'a> {
    /// `module.vpc.aws_subnet.private[0]`.
    pub(crate) addr: String,
    /// The module instance it is in, one segment per level (`module.vpc[0]`).
    pub(crate) scope: Vec<String>,
    /// `aws_subnet`.
    pub(crate) ty: &'a str,
    /// `private`.
    pub(crate) name: &'a str,
    /// `count`/`for_each` index.
    pub(crate) index: Option<&'a Value>,
    /// Its attribute values (an object, or `null` when unreadable).
    pub(crate) values: &'a Value,
    /// `after_unknown` from `resource_changes` (plans only).
    pub(crate) unknown: Option<&'a Value>,
    /// JSON pointer of the resource object.
    pub(crate) ptr: String,
}

/// One data source instance: what Terraform read (its values), or nothing yet when
/// it is read at apply.
pub(crate) struct DataRes<'a> {
    /// The module instance it is in.
    pub(crate) scope: Vec<String>,
    /// `aws_vpc`.
    pub(crate) ty: &'a str,
    /// `main`.
    pub(crate) name: &'a str,
    /// `count`/`for_each` index.
    pub(crate) index: Option<&'a Value>,
    /// Its attribute values; `None` when Terraform reads it only at apply.
    pub(crate) values: Option<&'a Value>,
    /// JSON pointer of the data source object.
    pub(crate) ptr: String,
}

/// A finding made while reading the tree, before lowering.
pub(crate) struct Early {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) ptr: String,
    pub(crate) error: bool,
}

/// The opened document.
pub(crate) struct Doc<'a> {
    pub(crate) file: String,
    pub(crate) root: &'a Value,
    pub(crate) kind: TfKind,
    pub(crate) format_version: String,
    pub(crate) terraform_version: Option<String>,
    /// Managed resources, in document order.
    pub(crate) res: Vec<Res<'a>>,
    pub(crate) data_sources: usize,
    /// Data sources whose values may stand in for references (`data.aws_vpc.x.id`):
    /// those read while planning (in `prior_state`) and those read at apply; for a
    /// state or a prior state, those it holds (their prefix lists are read).
    pub(crate) data: Vec<DataRes<'a>>,
    /// Whether unknown values may be linked through `configuration` (the planned
    /// network of a plan only: the prior state knows its values).
    pub(crate) use_config: bool,
    pub(crate) early: Vec<Early>,
}

pub(crate) fn esc(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

impl<'a> Doc<'a> {
    pub(crate) fn open(file: &str, root: &'a Value, which: Which) -> Result<Doc<'a>, TfError> {
        let not = |reason: &str| TfError::NotTerraform {
            file: file.to_owned(),
            reason: reason.to_owned(),
        };
        let obj = root
            .as_object()
            .ok_or_else(|| not("it is not a JSON object"))?;
        let fv = match obj.get("format_version") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(not("`format_version` is not a string")),
            None => return Err(not("it has no `format_version`")),
        };
        let major = fv.split('.').next().unwrap_or_default();
        if major != "0" && major != "1" {
            return Err(TfError::UnsupportedFormat {
                file: file.to_owned(),
                version: fv,
            });
        }
        let is_plan = obj.contains_key("planned_values")
            || obj.contains_key("prior_state")
            || obj.contains_key("resource_changes");
        if !is_plan && !obj.contains_key("values") && !obj.contains_key("terraform_version") {
            return Err(not(
                "it has none of `planned_values`, `prior_state`, `values` or `terraform_version`",
            ));
        }
        let mut d = Doc {
            file: file.to_owned(),
            root,
            kind: if is_plan { TfKind::Plan } else { TfKind::State },
            format_version: fv,
            terraform_version: obj
                .get("terraform_version")
                .and_then(Value::as_str)
                .map(str::to_owned),
            res: Vec::new(),
            data_sources: 0,
            data: Vec::new(),
            use_config: is_plan && which == Which::Planned,
            early: Vec::new(),
        };
        let (module, ptr) = match (d.kind, which) {
            (TfKind::State, _) => (root.pointer("/values/root_module"), "/values/root_module"),
            (TfKind::Plan, Which::Planned) => (
                root.pointer("/planned_values/root_module"),
                "/planned_values/root_module",
            ),
            (TfKind::Plan, Which::Prior) => (
                root.pointer("/prior_state/values/root_module"),
                "/prior_state/values/root_module",
            ),
        };
        let unknown = if d.use_config {
            unknown_by_address(root)
        } else {
            HashMap::new()
        };
        if let Some(m) = module {
            d.module(m, ptr, &[], &unknown, 0);
        }
        if d.use_config {
            // Data sources read while planning keep their values in the prior state;
            // those in the planned values are read at apply.
            let prior = "/prior_state/values/root_module";
            if let Some(m) = root.pointer(prior) {
                d.data_tree(m, prior, &[], false, 0);
            }
            if let Some(m) = module {
                d.data_tree(m, ptr, &[], true, 0);
            }
        } else if let Some(m) = module {
            // A state, or the prior state of a plan: what Terraform read is there.
            d.data_tree(m, ptr, &[], false, 0);
        }
        Ok(d)
    }

    fn early(&mut self, code: &'static str, ptr: &str, message: String, error: bool) {
        self.early.push(Early {
            code,
            message,
            ptr: ptr.to_owned(),
            error,
        });
    }

    fn module(
        &mut self,
        m: &'a Value,
        ptr: &str,
        scope: &[String],
        unknown: &HashMap<&'a str, &'a Value>,
        depth: usize,
    ) {
        if !m.is_object() {
            self.early(
                "BAD_SHAPE",
                ptr,
                "a module must be a JSON object".to_owned(),
                true,
            );
            return;
        }
        match m.get("resources") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, r) in items.iter().enumerate() {
                    self.resource(r, &format!("{ptr}/resources/{i}"), scope, unknown);
                }
            }
            Some(_) => self.early(
                "BAD_SHAPE",
                &format!("{ptr}/resources"),
                "`resources` must be a list".to_owned(),
                true,
            ),
        }
        match m.get("child_modules") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                if depth > 64 {
                    self.early(
                        "BAD_SHAPE",
                        ptr,
                        "modules are nested more than 64 deep; the deeper ones are skipped"
                            .to_owned(),
                        true,
                    );
                    return;
                }
                let parent = scope.join(".");
                for (i, c) in items.iter().enumerate() {
                    let cptr = format!("{ptr}/child_modules/{i}");
                    let Some(addr) = c.get("address").and_then(Value::as_str) else {
                        self.early(
                            "BAD_SHAPE",
                            &cptr,
                            "a child module needs an `address`".to_owned(),
                            true,
                        );
                        continue;
                    };
                    let seg = if parent.is_empty() {
                        addr
                    } else {
                        addr.strip_prefix(&format!("{parent}.")).unwrap_or(addr)
                    };
                    let mut s = scope.to_vec();
                    s.push(seg.to_owned());
                    self.module(c, &cptr, &s, unknown, depth + 1);
                }
            }
            Some(_) => self.early(
                "BAD_SHAPE",
                &format!("{ptr}/child_modules"),
                "`child_modules` must be a list".to_owned(),
                true,
            ),
        }
    }

    fn resource(
        &mut self,
        r: &'a Value,
        ptr: &str,
        scope: &[String],
        unknown: &HashMap<&'a str, &'a Value>,
    ) {
        let s = |k: &str| r.get(k).and_then(Value::as_str);
        let (Some(ty), Some(name)) = (s("type"), s("name")) else {
            self.early(
                "BAD_SHAPE",
                ptr,
                "a resource needs string `type` and `name`".to_owned(),
                true,
            );
            return;
        };
        if s("mode") == Some("data") {
            self.data_sources += 1;
            return;
        }
        let addr = match s("address") {
            Some(a) => a.to_owned(),
            None => {
                let mut a = scope.join(".");
                if !a.is_empty() {
                    a.push('.');
                }
                a.push_str(&format!("{ty}.{name}"));
                a
            }
        };
        let values = r.get("values").unwrap_or(&Value::Null);
        if !values.is_object() && !values.is_null() {
            self.early(
                "BAD_SHAPE",
                &format!("{ptr}/values"),
                format!("`values` of `{addr}` must be an object"),
                true,
            );
        }
        self.res.push(Res {
            unknown: unknown.get(addr.as_str()).copied(),
            addr,
            scope: scope.to_vec(),
            ty,
            name,
            index: r.get("index").filter(|v| !v.is_null()),
            values,
            ptr: ptr.to_owned(),
        });
    }

    /// Collects the data sources of a module tree, quietly: the tree is read for
    /// resources elsewhere, which reports its shape.
    fn data_tree(
        &mut self,
        m: &'a Value,
        ptr: &str,
        scope: &[String],
        deferred: bool,
        depth: usize,
    ) {
        for (k, r) in m
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let s = |k: &str| r.get(k).and_then(Value::as_str);
            let (Some("data"), Some(ty), Some(name)) = (s("mode"), s("type"), s("name")) else {
                continue;
            };
            self.data.push(DataRes {
                scope: scope.to_vec(),
                ty,
                name,
                index: r.get("index").filter(|v| !v.is_null()),
                values: r.get("values").filter(|v| !deferred && v.is_object()),
                ptr: format!("{ptr}/resources/{k}"),
            });
        }
        if depth > 64 {
            return;
        }
        let parent = scope.join(".");
        for (k, c) in m
            .get("child_modules")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(addr) = c.get("address").and_then(Value::as_str) else {
                continue;
            };
            let seg = if parent.is_empty() {
                addr
            } else {
                addr.strip_prefix(&format!("{parent}.")).unwrap_or(addr)
            };
            let mut s = scope.to_vec();
            s.push(seg.to_owned());
            self.data_tree(
                c,
                &format!("{ptr}/child_modules/{k}"),
                &s,
                deferred,
                depth + 1,
            );
        }
    }

    /// The value of a root module variable, as the plan gives it (`variables`).
    pub(crate) fn root_variable(&self, name: &str) -> Option<&'a Value> {
        self.root
            .get("variables")?
            .get(name)?
            .get("value")
            .filter(|v| !v.is_null())
    }

    /// The `configuration` module at a module instance path (indices dropped).
    pub(crate) fn config_module(&self, scope: &[String]) -> Option<&'a Value> {
        let mut m = self.root.pointer("/configuration/root_module")?;
        for seg in scope {
            let name = call_name(seg);
            m = m.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(m)
    }

    /// The module call that made `scope`'s innermost module, in its parent.
    pub(crate) fn module_call(&self, scope: &[String]) -> Option<&'a Value> {
        let (last, parent) = scope.split_last()?;
        self.config_module(parent)?
            .get("module_calls")?
            .get(call_name(last))
    }

    /// The `configuration` entry of a resource.
    pub(crate) fn config_resource(
        &self,
        scope: &[String],
        ty: &str,
        name: &str,
    ) -> Option<&'a Value> {
        let m = self.config_module(scope)?;
        m.get("resources")?.as_array()?.iter().find(|r| {
            r.get("type").and_then(Value::as_str) == Some(ty)
                && r.get("name").and_then(Value::as_str) == Some(name)
                && r.get("mode").and_then(Value::as_str) != Some("data")
        })
    }

    /// The `configuration` entry of a data source.
    pub(crate) fn config_data(&self, scope: &[String], ty: &str, name: &str) -> Option<&'a Value> {
        let m = self.config_module(scope)?;
        m.get("resources")?.as_array()?.iter().find(|r| {
            r.get("type").and_then(Value::as_str) == Some(ty)
                && r.get("name").and_then(Value::as_str) == Some(name)
                && r.get("mode").and_then(Value::as_str) == Some("data")
        })
    }

    /// The provider configuration block for a key (`aws`, `aws.peer`, `module.x:aws`).
    pub(crate) fn provider(&self, key: &str) -> Option<&'a Value> {
        let pc = self.root.pointer("/configuration/provider_config")?;
        pc.get(key)
            .or_else(|| key.split_once(':').and_then(|(_, k)| pc.get(k)))
    }
}

/// `module.vpc[0]` → `vpc`.
pub(crate) fn call_name(seg: &str) -> &str {
    let s = seg.strip_prefix("module.").unwrap_or(seg);
    s.split('[').next().unwrap_or(s)
}

fn unknown_by_address(root: &Value) -> HashMap<&str, &Value> {
    let mut m = HashMap::new();
    if let Some(Value::Array(rc)) = root.get("resource_changes") {
        for c in rc {
            if let (Some(a), Some(u)) = (
                c.get("address").and_then(Value::as_str),
                c.pointer("/change/after_unknown"),
            ) {
                m.insert(a, u);
            }
        }
    }
    m
}
