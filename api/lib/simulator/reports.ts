/**
 * What synthetic reports are about and how they come in: how often each incident 小类
 * occurs, a few phrasings of each (`{p}` = the place), and the channels. The sample's
 * history (geodata/generate) and the simulator's new reports draw from the same tables.
 */
import { localHour } from './time.ts';

/** Relative frequency of each incident 小类 (geodata/reference/categories.csv). */
export const INCIDENT_WEIGHTS: Readonly<Record<string, number>> = {
  '0101': 4,
  '0102': 12,
  '0103': 5,
  '0104': 6,
  '0105': 1,
  '0106': 2,
  '0201': 8,
  '0301': 3,
  '0302': 3,
  '0304': 2,
  '0305': 2,
  '0401': 0.5,
  '0402': 1,
  '0403': 0.3,
  '0404': 1.5,
  '0406': 1.5,
  '0501': 8,
  '0504': 6,
  '0505': 10,
  '0506': 6,
  '0601': 1,
  '9001': 4,
  '9002': 2,
  '9003': 2,
  '9101': 3,
  '9102': 3,
  '9103': 2,
};

export const DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  '0101': ['{p}有人未经审批搭建铁皮棚', '{p}楼顶加建违章构筑物', '{p}占用公共空地私搭乱建'],
  '0102': ['{p}路边堆放生活垃圾未清运', '{p}垃圾桶满溢，垃圾散落地面', '{p}绿化带内有成堆垃圾'],
  '0103': ['{p}积存建筑垃圾和渣土', '{p}空地长期堆放渣土'],
  '0104': ['{p}路面有大量泥沙，影响通行', '{p}人行道油污严重'],
  '0105': ['{p}河涌水面漂浮大量垃圾', '{p}水体发黑发臭'],
  '0106': ['{p}绿地内杂物堆积', '{p}绿化带被踩踏、垃圾较多'],
  '0201': ['{p}电线杆上张贴大量小广告', '{p}墙面喷涂办证小广告'],
  '0301': ['{p}工地夜间施工噪音扰民', '{p}凌晨施工机械作业扰民'],
  '0302': ['{p}工地未覆盖裸土，扬尘严重', '{p}渣土车出入工地未冲洗，扬尘大'],
  '0304': ['{p}施工废料随意堆放在路边', '{p}装修废弃物堆放在楼道口'],
  '0305': ['{p}施工围挡占用行车道', '{p}施工材料占用人行道'],
  '0401': ['{p}路面出现塌陷坑洞', '{p}人行道地面下沉开裂'],
  '0402': ['{p}自来水管爆裂，路面大量冒水', '{p}供水管道漏水严重'],
  '0403': ['{p}闻到明显燃气味，疑似管道泄漏', '{p}施工挖断燃气管道'],
  '0404': ['{p}下水道堵塞，污水外溢', '{p}排水井破损，污水横流'],
  '0406': ['{p}暴雨后路面积水较深', '{p}下穿通道积水，车辆无法通行'],
  '0501': ['{p}流动摊贩占道摆卖', '{p}路口有游商聚集摆摊'],
  '0504': ['{p}店铺占用人行道经营', '{p}商户跨门槛经营堆放货物'],
  '0505': ['{p}机动车违停占用消防通道', '{p}车辆乱停放堵塞路口'],
  '0506': ['{p}共享单车大量堆积', '{p}电动车乱停放占用盲道'],
  '0601': ['{p}有老人摔倒受伤，需要帮助', '{p}有人突发疾病倒地'],
  '9001': ['{p}邻里因噪音问题发生争吵', '{p}邻居因漏水问题产生纠纷'],
  '9002': ['{p}工厂拖欠工人工资，工人聚集讨薪', '{p}员工与企业因加班费发生纠纷'],
  '9003': ['{p}业主与物业因收费问题发生纠纷', '{p}小区停车管理引发业主与物业矛盾'],
  '9101': ['{p}出租屋楼道堆放杂物堵塞消防通道', '{p}电动车在楼道内充电，存在火灾隐患'],
  '9102': ['{p}出租屋未登记流动人口', '{p}出租屋门禁损坏，存在治安隐患'],
  '9103': ['{p}有可疑人员多次徘徊', '{p}夜间有人撬车门，疑似盗窃'],
};

/** Intake channels (incidents.channel) and how many reports each brings in. */
export const CHANNEL_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['patrol', 40],
  ['citizen', 15],
  ['open311', 5],
  ['video', 12],
  ['iot', 3],
  ['hotline', 15],
  ['venue_code', 3],
  ['desk', 7],
];

/** One key of a weight table, with probability proportional to its weight. */
export function pickWeighted<K>(table: ReadonlyArray<readonly [K, number]>, u: number): K {
  const total = table.reduce((a, [, w]) => a + w, 0);
  let r = u * total;
  for (const [k, w] of table) {
    r -= w;
    if (r < 0) return k;
  }
  return table[table.length - 1]![0];
}

const CATEGORY_TABLE = Object.entries(INCIDENT_WEIGHTS).sort(([a], [b]) => a.localeCompare(b));

/** An incident 小类 by frequency. */
export function pickCategory(u: number): string {
  return pickWeighted(CATEGORY_TABLE, u);
}

/**
 * A channel for a report at `atMs`: grid workers patrol by day only (08:00–18:00), the
 * others report at any hour.
 */
export function pickChannel(atMs: number, u: number): string {
  const h = localHour(atMs);
  const table = h >= 8 && h < 18 ? CHANNEL_WEIGHTS : CHANNEL_WEIGHTS.filter(([c]) => c !== 'patrol');
  return pickWeighted(table, u);
}

/** A description of an incident of `category` at `place` (e.g. an address + 附近). */
export function describe(category: string, place: string, u: number): string {
  const list = DESCRIPTIONS[category] ?? ['{p}发现问题'];
  return list[Math.floor(u * list.length)]!.replace('{p}', place);
}
