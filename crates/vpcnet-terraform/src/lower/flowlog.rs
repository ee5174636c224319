//! `aws_flow_log`: which VPC, subnet, interface or transit gateway records its traffic.

use vpcnet_model::{FlowLog, FlowTraffic, Severity};

use super::Lower;

impl Lower<'_, '_, '_> {
    pub(super) fn flow_logs(&mut self) {
        for i in self.of_type(&["aws_flow_log"]) {
            let skip = "the flow log is left out";
            let watched = [
                "vpc_id",
                "subnet_id",
                "eni_id",
                "transit_gateway_id",
                "transit_gateway_attachment_id",
            ]
            .into_iter()
            .find_map(|attr| self.r.one(i, attr).map(|id| (attr, id)));
            let Some((attr, id)) = watched else {
                let unknown = ["vpc_id", "subnet_id", "eni_id"]
                    .into_iter()
                    .find(|a| self.r.unknown_at(i, &format!("/{a}")));
                match unknown {
                    Some(a) => self.unresolved(i, a, "watched resource", skip),
                    None => {
                        let msg = format!(
                            "`{}` names no VPC, subnet, interface or transit gateway; {skip}",
                            self.addr(i)
                        );
                        let p = self.vptr(i, "vpc_id");
                        self.say(Severity::Error, "BAD_VALUE", &p, msg);
                    }
                }
                continue;
            };
            let Some(resource) = self.b.network().by_id(&id) else {
                let msg = format!(
                    "`{}` watches `{id}`, which is not in the input; {skip}",
                    self.addr(i)
                );
                let p = self.vptr(i, attr);
                self.say(Severity::Warning, "UNKNOWN_REFERENCE", &p, msg);
                continue;
            };
            let traffic_text = self
                .r
                .one(i, "traffic_type")
                .unwrap_or_else(|| "ALL".to_owned());
            let Some(traffic) = FlowTraffic::parse(&traffic_text) else {
                let msg = format!(
                    "`{}` has traffic_type `{traffic_text}`, not ACCEPT, REJECT or ALL; {skip}",
                    self.addr(i)
                );
                let p = self.vptr(i, "traffic_type");
                self.say(Severity::Error, "BAD_VALUE", &p, msg);
                continue;
            };
            let kind = self
                .r
                .one(i, "log_destination_type")
                .unwrap_or_else(|| "cloud-watch-logs".to_owned());
            let target = self
                .r
                .one(i, "log_destination")
                .or_else(|| self.r.one(i, "log_group_name"));
            let destination = Some(match target {
                Some(t) => format!("{kind}: {t}"),
                None => kind,
            });
            let meta = self.meta(i, self.r.id(i));
            self.b.add_flow_log(FlowLog {
                meta,
                resource,
                traffic,
                destination,
                format: self.r.one(i, "log_format"),
            });
        }
    }
}
