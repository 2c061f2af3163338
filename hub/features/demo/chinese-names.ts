// Deterministic, realistic rosters: Han names for Chengdu-plain schools and Yi names for Liangshan, as the classrooms
// in the seeds would have. A seeded generator keeps demo data identical across runs, so screenshots and tests agree.
const hanSurnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '罗', '高', '林', '邓', '唐', '蒋', '谢'];
const hanGiven = ['雨桐', '子涵', '欣怡', '浩然', '梓轩', '思源', '佳怡', '宇航', '一诺', '俊杰', '诗涵', '明轩', '雅琪', '博文', '晨曦', '嘉怡', '天佑', '若曦', '志强', '晓燕', '文博', '梦瑶', '家豪', '静怡', '子墨', '安琪', '乐天', '昊天', '婉清', '星辰'];
const yiNames = ['吉克阿依', '阿牛木呷', '沙马拉且', '海来阿卓', '吉木子洛', '阿苦尔古', '勒格阿莫', '俄底石且', '曲比阿果', '马海木呷', '吉伍伍各', '阿的日哈', '沙马阿支', '加拉阿呷', '日火尔布', '吉克史哈', '阿尔木呷', '苏呷阿牛', '吉史里格', '木乃伍沙'];

/** mulberry32: a tiny, well-known seeded generator (uniform in [0, 1)). */
function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function rosterNames(count: number, seed: number, yiShare = 0): string[] {
  const random = seededRandom(seed);
  const names = new Set<string>();
  for (let attempts = 0; names.size < count && attempts < count * 50; attempts++) {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    names.add(random() < yiShare ? pick(yiNames) : `${pick(hanSurnames)}${pick(hanGiven)}`);
  }
  return [...names];
}
